"""Tables of the Piccolo-backed ADK session service (conversations with the coach).

They mirror ADK's own SQL session stores: app-, user- and session-scoped state, and the
events of each session as ADK's JSON. Composite keys become one unique `key` column
("app/user/session" joined by KEY_SEP) because Piccolo has no composite keys; events belong to
their session row and go with it, and a conversation about an analysis goes with the analysis
(and so with its user: erasure needs nothing more).
"""

from piccolo.columns import (
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Varchar,
)
from piccolo.table import Table

from api.tables import AnalysisSession

KEY_SEP = "\x1f"


def state_key(*parts: str) -> str:
    return KEY_SEP.join(parts)


class ChatAppState(Table, tablename="chat_app_states"):
    key = Varchar(length=255, unique=True, null=False)
    state = Text(default="{}")
    update_time = DoublePrecision(default=0.0)


class ChatUserState(Table, tablename="chat_user_states"):
    key = Varchar(length=512, unique=True, null=False)
    state = Text(default="{}")
    update_time = DoublePrecision(default=0.0)


class ChatSession(Table, tablename="chat_sessions"):
    key = Varchar(length=768, unique=True, null=False)
    # The analysis a conversation is about: deleting it (or its user) deletes the conversation.
    analysis_session = ForeignKey(
        references=AnalysisSession, on_delete=OnDelete.cascade, null=True, default=None, index=True
    )
    app_name = Varchar(length=255, null=False)
    user_id = Varchar(length=255, null=False, index=True)
    session_id = Varchar(length=255, null=False)
    state = Text(default="{}")
    create_time = DoublePrecision(default=0.0)
    update_time = DoublePrecision(default=0.0, index=True)


class ChatEvent(Table, tablename="chat_events"):
    session = ForeignKey(references=ChatSession, on_delete=OnDelete.cascade, index=True)
    event_id = Varchar(length=255, null=False)
    invocation_id = Varchar(length=255, null=False)
    timestamp = DoublePrecision(null=False)
    seq = Integer(null=False)  # append order: breaks timestamp ties
    event_data = Text(null=False)


CHAT_TABLES = [ChatAppState, ChatUserState, ChatSession, ChatEvent]
