"""The followup use cases: sign-ups (the `profile.submitted` consumer), the survey scheduler, and the answers
and unsubscribes behind the emailed links."""
