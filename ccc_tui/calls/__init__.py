"""What a call means, without the network: phases, outcome, views, exports, history, files."""
