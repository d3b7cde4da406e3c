"""Who is at the desk: signing in, the owner's first account, locking and switching person,
and what each role sees. `studio/access.py` decides; this package only hides what the services
would refuse anyway."""
