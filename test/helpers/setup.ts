// Every test file: no real AWS configuration, no network for credentials, no SDK warnings.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_CONFIG_FILE = '/nonexistent/apigw-log-analytics-test/config';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/apigw-log-analytics-test/credentials';
process.env.AWS_ACCESS_KEY_ID = 'AKIATESTTESTTESTTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
delete process.env.AWS_PROFILE;
delete process.env.AWS_REGION;
delete process.env.AWS_DEFAULT_REGION;
delete process.env.AWS_ENDPOINT_URL;
