"""Entry: `python -m klyngepakke.cli` (the render worker the dev stack starts, the deploy test)."""

from klyngepakke.cli import main

main()
