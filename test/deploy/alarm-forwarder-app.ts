// The app the alarm forwarder's end-to-end test (test_alarm_forwarder.py) synthesizes: a PlatformMonitoring in
// eu-west-1 whose alarm topic is KMS-encrypted, monitoring one SpaHosting (us-east-1), so the monitoring gets its
// us-east-1 edge stack (E-Com67-MonitoringStack-EdgeAlarms) with the topic of the 5xx alarms and the forwarder.
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PlatformMonitoring, SpaHosting } from '../../src';

const app = new App({ outdir: process.argv[2] });
const account = '111122223333';
const monitoringStack = new Stack(app, 'Monitoring', { stackName: 'E-Com67-MonitoringStack', env: { account, region: 'eu-west-1' } });
const key = new kms.Key(monitoringStack, 'AlarmKey', { enableKeyRotation: true });
const alarmTopic = new sns.Topic(monitoringStack, 'Alarms', { masterKey: key });
const monitoring = new PlatformMonitoring(monitoringStack, 'Monitoring', { dashboardName: 'e-com67', alarmTopic });
const frontend = new Stack(app, 'Frontend', { stackName: 'E-Com67-FrontendStack', env: { account, region: 'us-east-1' } });
monitoring.monitorHosting(new SpaHosting(frontend, 'CustomerApp'));
app.synth();
