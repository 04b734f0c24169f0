"""What every aggregate shares: errors, people, time and Danish formats, links, spreadsheets."""
