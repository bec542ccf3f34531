from ccc_tui.cli import main

raise SystemExit(main())
