"""The job-centre course aggregate (seed 002): definition, request, plan, events, state,
refusals."""
