"""The daemon's runtime: one builder wires it, one snapshot of the config at a time.

    builder.py    open_runtime(config, mode="run"|"once") -> Runtime   the wiring
    snapshot.py   Snapshot, LiveConfig     the immutable config snapshot, swapped on reload
    resources.py  Resources, Services      channels, fetcher, extraction pool per snapshot
    daemon.py     Daemon                   scheduler ticks, or a burst (`run(burst=True)`)
    jobs.py       FollowUps, Housekeeping
    status.py     Status, DaemonState      the read-only view the web layer gets
    threads.py    Threads                  database and CPU work off the event loop

Nothing is re-exported here: monitor.poll imports snapshot and threads, and
the builder imports monitor.poll.
"""
