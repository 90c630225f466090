"""Blueprints: parse input, call one service, render."""
