"""Backups in the window: the Studio ▸ Backups… dialog and the daily backup at start-up."""
