"""handle-docs: letters, leaflets and checks for vehicle-crime prevention patrols."""

__version__ = "0.1.0"
