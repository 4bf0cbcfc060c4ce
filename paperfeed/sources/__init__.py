"""Where papers come from: file readers and network fetchers, each returning a Batch."""
