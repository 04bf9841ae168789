"""Biome's ADK agent layer: vision agent, coaching agent, orchestrator and pipeline."""
