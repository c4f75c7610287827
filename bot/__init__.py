"""The assistant residents talk to, and the composition root that wires every package into the `consult` command."""
