"""The web app: the members' survey form, reached by a personal link."""
