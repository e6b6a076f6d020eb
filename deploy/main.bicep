// isoscope on Azure (docs/deploy.md): Event Hubs in, `isoscope consume` on Container Apps
// (KEDA scales it on the hub's backlog, checkpoints in Blob storage), Cosmos DB out,
// `isoscope serve` behind HTTPS ingress, and the workbench on Static Web Apps with the
// Cosmos DB CORS rule for its origin. Deploy into a resource group:
//   az deployment group create -g RG -f deploy/main.bicep -p deploy/main.parameters.json -p apiKey=<key>
targetScope = 'resourceGroup'

@description('Region of everything but the Static Web App.')
param location string = resourceGroup().location

@description('Region of the Static Web App (offered in a few regions only).')
param staticWebAppLocation string = 'westeurope'

@description('Lower-case letters and digits that start every resource name.')
@minLength(3)
@maxLength(11)
param prefix string = 'isoscope'

@description('The isoscope image, e.g. myregistry.azurecr.io/isoscope:0.1.0 (built from the Dockerfile).')
param image string

@description('Registry of the image, when it is private (e.g. myregistry.azurecr.io); empty for a public image.')
param registryServer string = ''
param registryUsername string = ''
@secure()
param registryPassword string = ''

@description('ISOSCOPE_API_KEY: clients of isoscope serve send it as Authorization: Bearer <key>.')
@secure()
param apiKey string

@description('DD_API_KEY: when set, consume and serve also send their metrics to Datadog.')
@secure()
param datadogApiKey string = ''
param datadogSite string = 'datadoghq.com'

@description('Partitions of the hub: the most consumer replicas that can work at once.')
@minValue(1)
@maxValue(32)
param partitionCount int = 4

@description('More origins the Cosmos DB CORS rule allows besides the Static Web App (e.g. a custom domain).')
param extraCorsOrigins array = []

var suffix = uniqueString(resourceGroup().id)
var names = {
  eventHubNamespace: '${toLower(prefix)}-hub-${suffix}'
  hub: 'sensor-readings'
  consumerGroup: 'isoscope'
  storage: take(toLower('${prefix}${suffix}'), 24) // letters and digits only
  checkpoints: 'checkpoints'
  cosmos: '${toLower(prefix)}-cosmos-${suffix}'
  database: 'iot-sensor-db'
  readings: 'anomalies'
  models: 'models'
  environment: '${prefix}-env'
  workbench: '${prefix}-workbench-${suffix}'
}

module eventHubs 'modules/event-hubs.bicep' = {
  name: 'event-hubs'
  params: {
    location: location
    namespaceName: names.eventHubNamespace
    hubName: names.hub
    consumerGroup: names.consumerGroup
    partitionCount: partitionCount
  }
}

module storage 'modules/storage.bicep' = {
  name: 'checkpoint-storage'
  params: {
    location: location
    accountName: names.storage
    containerName: names.checkpoints
  }
}

module workbench 'modules/static-web-app.bicep' = {
  name: 'workbench'
  params: {
    location: staticWebAppLocation
    name: names.workbench
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    location: location
    accountName: names.cosmos
    databaseName: names.database
    readingsContainerName: names.readings
    modelsContainerName: names.models
    corsOrigins: concat(['https://${workbench.outputs.defaultHostname}'], extraCorsOrigins)
  }
}

module appsEnvironment 'modules/environment.bicep' = {
  name: 'apps-environment'
  params: {
    location: location
    name: names.environment
  }
}

module consume 'modules/consume-app.bicep' = {
  name: 'consume-app'
  params: {
    location: location
    environmentId: appsEnvironment.outputs.id
    image: image
    registryServer: registryServer
    registryUsername: registryUsername
    registryPassword: registryPassword
    eventHubNamespace: eventHubs.outputs.namespaceName
    hubName: eventHubs.outputs.hubName
    consumerGroup: eventHubs.outputs.consumerGroup
    listenRuleName: eventHubs.outputs.listenRuleName
    partitionCount: partitionCount
    storageAccountName: storage.outputs.accountName
    checkpointContainer: storage.outputs.containerName
    cosmosAccountName: cosmos.outputs.accountName
    databaseName: cosmos.outputs.databaseName
    readingsContainerName: cosmos.outputs.readingsContainerName
    modelsContainerName: cosmos.outputs.modelsContainerName
    datadogApiKey: datadogApiKey
    datadogSite: datadogSite
  }
}

module serve 'modules/serve-app.bicep' = {
  name: 'serve-app'
  params: {
    location: location
    environmentId: appsEnvironment.outputs.id
    image: image
    registryServer: registryServer
    registryUsername: registryUsername
    registryPassword: registryPassword
    cosmosAccountName: cosmos.outputs.accountName
    databaseName: cosmos.outputs.databaseName
    modelsContainerName: cosmos.outputs.modelsContainerName
    apiKey: apiKey
    datadogApiKey: datadogApiKey
    datadogSite: datadogSite
  }
}

output serveUrl string = 'https://${serve.outputs.fqdn}'
output workbenchUrl string = 'https://${workbench.outputs.defaultHostname}'
output workbenchName string = workbench.outputs.name
output cosmosEndpoint string = cosmos.outputs.endpoint
output cosmosAccount string = cosmos.outputs.accountName
output eventHubNamespace string = eventHubs.outputs.namespaceName
output eventHubName string = eventHubs.outputs.hubName
