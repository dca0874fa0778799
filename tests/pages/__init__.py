"""Page tests under AppTest: every page from the router, its widgets at their extremes, its snippets, hostile input."""
