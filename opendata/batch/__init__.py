"""Conversion at corpus scale: discover inputs, plan, convert in parallel, catalogue the corpus."""
