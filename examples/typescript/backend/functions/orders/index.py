"""Lists the orders of the table named by ORDERS_TABLE."""
import json
import os

import boto3
from aws_lambda_powertools import Logger
from utils.money import format_price

logger = Logger()
table = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])


@logger.inject_lambda_context
def handler(event, context):
    items = table.scan(Limit=20).get("Items", [])
    body = [{"id": i["pk"], "total": format_price(int(i.get("total", 0)))} for i in items]
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
