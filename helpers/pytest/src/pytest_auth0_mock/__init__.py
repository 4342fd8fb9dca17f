"""pytest fixtures for auth0-mock: a mock per session (per xdist worker), reset between tests,
scenario tokens, direct sign-in for browser tests, and the outbox."""

from .client import Auth0Mock, Auth0MockError, Token, decode_claims
from .launcher import BinaryNotFound, Launch, StartupError, find_launch

__all__ = [
    "Auth0Mock",
    "Auth0MockError",
    "BinaryNotFound",
    "Launch",
    "StartupError",
    "Token",
    "decode_claims",
    "find_launch",
]
