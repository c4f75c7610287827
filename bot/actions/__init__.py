"""The action server's actions (rasa-sdk imports every module of this package and registers each Action)."""
