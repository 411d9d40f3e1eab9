-- One login per request for the account the bench script creates.
wrk.method = "POST"
wrk.body = '{"login":"bench","password":"correct horse battery staple"}'
wrk.headers["Content-Type"] = "application/json"
