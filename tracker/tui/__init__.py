"""The dashboard (Textual). Only render.py turns feed text into something drawn."""
