from aimsgraph.cli import main

main()
