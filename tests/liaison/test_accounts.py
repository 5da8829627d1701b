import pytest

from liaison.accounts import AccountError, create_account, principal_for_password, principal_for_token

pytestmark = pytest.mark.integration


def test_token_and_password_round_trip(db_url):
    principal, token = create_account(db_url, "officer1", "officer", password="s3cret-pass")
    assert principal_for_token(db_url, token).username == "officer1"
    assert principal_for_token(db_url, token + "x") is None
    assert principal_for_password(db_url, "officer1", "s3cret-pass").role == "officer"
    assert principal_for_password(db_url, "officer1", "wrong") is None


def test_unknown_role_lists_allowed_roles(db_url):
    with pytest.raises(AccountError, match="allowed: applicant"):
        create_account(db_url, "x", "wizard")


def test_duplicate_username_refused(db_url):
    create_account(db_url, "dup", "agent")
    with pytest.raises(AccountError, match="already exists"):
        create_account(db_url, "dup", "agent")
