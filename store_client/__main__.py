from store_client.cli import main

raise SystemExit(main())
