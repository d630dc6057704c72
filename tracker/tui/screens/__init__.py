"""Screens pushed over the main one: feeds (f), deadlines (d), help (?)."""
