"""The website channel: the chat API the widget talks to, the quoted-passage pages and the widget itself."""
