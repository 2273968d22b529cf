"""Who may use the workspace: accounts (Argon2id, in the instance folder),
sessions kept on the server, the sign-in throttle and its audit, the demo
accounts and the public address.  Below the edges: the command line
(``handle-docs users``, ``serve``) and the web sign-in use the same
functions, and nothing here imports Flask."""
