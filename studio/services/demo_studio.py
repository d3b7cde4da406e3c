"""The demo studio's letterhead and its staff's published passwords.

Apart from the demo itself (`studio.services.demo`) because every start reads them: the sign-in
screen names the demo's people and passwords when the studio is the demo. The demo module, with
its generator and the clinical and exercise modules it uses, stays unloaded until a demo is made.
"""

from __future__ import annotations

STUDIO = {
    "name": "Upright Demo Studio",
    "address": "Unit 4, Canal Yard\n21 Wharf Road\nLondon N1 7GR\nUnited Kingdom",
    "phone": "+44 20 7946 0100",
    "email": "hello@upright-demo.example.com",
    "weight_unit": "kg",
    "length_unit": "cm",
    "paper": "a4",
}

# The demo's staff sign in with these (published, so never use them for a real studio).
DEMO_PASSWORDS = {"owner": "owner-demo", "trainer": "trainer-demo", "front_desk": "desk-demo"}
