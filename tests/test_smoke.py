def test_start_page_is_swedish_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="sv">' in response.get_data(as_text=True)


def test_staff_sees_staff_start_page(login_as):
    client = login_as("staff")
    response = client.get("/staff/")
    assert response.status_code == 200
    assert client.user.full_name in response.get_data(as_text=True)
