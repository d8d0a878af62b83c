"""Bounded worker processes, shared by feed parsing and page extraction.

    pool.py      WorkerPool    tasks in forkserver processes: a wall deadline per task,
                               a replaced pool past it, a crash retried once
    child.py     initialise, call   inside a worker: the memory cap (RLIMIT_AS), the per-task
                               CPU deadline (ITIMER_PROF), the task's peak RSS
    lifeline.py  die_with_parent   a worker ends when the process that started it ends
                               (PR_SET_PDEATHSIG on Linux, a watcher thread elsewhere)

A task that passes its deadline or its memory cap is a Report with a
Failure, never an exception the caller has to guess about.
"""
