from datetime import date

from portal.core.workdays import add_working_days, is_working_day, working_days_between


def test_swedish_working_days_skip_weekends_and_holidays():
    # Friday 19 June 2026 is midsummer eve (offices closed), Saturday midsummer day.
    assert not is_working_day(date(2026, 6, 19))
    assert add_working_days(date(2026, 6, 18), 1) == date(2026, 6, 22)
    # Christmas: 24, 25, 26 Dec closed; 31 Dec closed; 1 Jan closed.
    assert add_working_days(date(2026, 12, 23), 3) == date(2026, 12, 30)
    assert add_working_days(date(2026, 12, 30), 1) == date(2027, 1, 4)
    assert add_working_days(date(2026, 11, 20), 0) == date(2026, 11, 20)
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 30)) == 3


def test_danish_organisations_follow_danish_holidays():
    # Midsummer eve is an ordinary working day in Denmark.
    assert is_working_day(date(2026, 6, 19), "DK")
    assert not is_working_day(date(2026, 12, 25), "DK")
