"""Analyses over a plan and its schedule: glide paths, tracking, risk, descoping, huddles.

Public names are re-exported from :mod:`backplan`; import them from there.
"""
