"""Load test (issue 16, point 4): locust drives desk users, approvers, wall displays and Odoo's
webhooks against the production path. tests/perf/load/locustfile.py is what locust runs;
tests/perf/load/scenario.py seeds, starts the stack, runs locust and checks nothing was lost."""
