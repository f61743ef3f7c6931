"""Review together: the therapist and client go through the week in session, agree the next step, check confidence,
and the client takes home "what we agreed"."""
