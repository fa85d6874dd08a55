"""python -m colonnade"""

from colonnade.cli.main import main

main()
