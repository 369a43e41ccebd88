"""The wire protocol both sides share: event payload schemas (:mod:`.events`) and the
datasets HQ publishes (:mod:`.datasets`). Imports nothing of the terminal or of HQ."""
