"""Clinical rules for Upright: outcome-measure scoring, red flags, the movement intolerance
profile, torso endurance ratios and the referral pathway.

Pure functions over plain values (standard library only, no Qt, no database) so the rules that
decide what a trainer may do can be checked against published worked examples in isolation.
They record what the client reports and what the trainer observes; they never diagnose
(DOMAIN.md section 1).
"""
