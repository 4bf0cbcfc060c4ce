"""paperfeed: a personalized daily reading list of new research papers."""
