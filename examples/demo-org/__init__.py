"""Package marker: the demo workspace ships inside aimsgraph as aimsgraph.demo_org."""
