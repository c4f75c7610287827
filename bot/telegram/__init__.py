"""The Telegram channel: an aiogram 3 bot relaying residents' messages to the assistant."""
