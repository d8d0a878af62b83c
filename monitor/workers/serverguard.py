"""Imported by multiprocessing's fork server, and only there (it is first in
monitor.workers.pool.FORKSERVER_PRELOAD): the fork server ends when the
daemon does, and every worker it forked ends with it.

Why the fork server needs it: each worker holds a copy of the fork server's
"alive" pipe (multiprocessing passes it so the server outlives its last
client), so the server never sees the daemon go and stays up as long as its
workers do; and each worker's parent is the server, not the daemon.  With
this, the kernel sends SIGKILL down the chain: daemon -> fork server ->
workers (each worker sets its own PR_SET_PDEATHSIG in
monitor.workers.child.initialise).  The fork server is started by the
event loop's thread (the first pool submit), whose end is the daemon's.

Two facts about the fork server, read once here, are what its workers
check themselves against (they are forked from this process, so they
inherit them): SERVER_PID, the parent a worker must still have when its
own PR_SET_PDEATHSIG takes effect; SERVER_PARENT, the process the server
followed (a worker whose daemon is not that one was forked by a server
that started after the daemon was gone, and ends at once).
"""

import os

from monitor.workers.lifeline import die_with_parent

SERVER_PID = os.getpid()
SERVER_PARENT = os.getppid()
die_with_parent(parent=SERVER_PARENT)
