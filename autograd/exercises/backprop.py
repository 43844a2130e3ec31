"""The exercises of notebook 03, backpropagation step by step."""
