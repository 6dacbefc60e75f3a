-- wrk script: one DynamoDB call straight to the local DynamoDB (dynalite),
-- the baseline the module is compared with.  Env: DDB_TARGET (operation),
-- DDB_BODY (its JSON).  dynalite checks that SigV4 headers are present,
-- not the signature.
wrk.method = "POST"
wrk.body = os.getenv("DDB_BODY")
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810." .. os.getenv("DDB_TARGET")
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 "
    .. "Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
    .. "SignedHeaders=host;x-amz-date, Signature=00"
