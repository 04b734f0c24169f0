"""The demo: the people of a cluster acting through the pages and the links in their mails."""
