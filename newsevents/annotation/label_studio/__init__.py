"""Label Studio: a local server in its own virtual environment, and the client side (push, pull, convert)."""
