"""Config changes without restarts.

    diff.py      config_diff(old, new)   what an edit changes (pure; the log line)
    safety.py    check(old, new)          what a reload may not do (pure)
    reloader.py  Reloader.reload()        load, check, build, apply every section, publish
    watcher.py   ConfigWatcher            notices edits, ConfigMap swaps; ignores editor files
"""
