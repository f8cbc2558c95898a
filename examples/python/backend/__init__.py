from .backend_stage import BackendStage

__all__ = ["BackendStage"]
