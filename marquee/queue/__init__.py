"""The virtual waiting room of an on-sale night (issue 20, docs/waiting-room.md). Rules: sql/functions/91_queue.sql."""
