// isoscope consume on Container Apps: reads the hub, scores, writes Cosmos DB, checkpoints in
// Blob storage. A KEDA azure-eventhub rule adds replicas (up to one per partition) while the
// backlog behind the checkpoints grows. Every secret is a Container Apps secret, read from the
// resources here, never a plain parameter or output.
param location string
param environmentId string
param image string
param registryServer string
param registryUsername string
@secure()
param registryPassword string
param eventHubNamespace string
param hubName string
param consumerGroup string
param listenRuleName string
param partitionCount int
param storageAccountName string
param checkpointContainer string
param cosmosAccountName string
param databaseName string
param readingsContainerName string
param modelsContainerName string
@secure()
param datadogApiKey string
param datadogSite string

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubNamespace
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = {
  parent: namespace
  name: hubName
}

resource listen 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules@2024-01-01' existing = {
  parent: hub
  name: listenRuleName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

var storageConnection = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
var registries = empty(registryServer) ? [] : [
  {
    server: registryServer
    username: registryUsername
    passwordSecretRef: 'registry-password'
  }
]
var baseSecrets = [
  { name: 'eventhub-connection', value: listen.listKeys().primaryConnectionString }
  { name: 'storage-connection', value: storageConnection }
  { name: 'cosmos-key', value: cosmos.listKeys().primaryMasterKey }
]
var registrySecrets = empty(registryServer) ? [] : [{ name: 'registry-password', value: registryPassword }]
var datadogSecrets = empty(datadogApiKey) ? [] : [{ name: 'dd-api-key', value: datadogApiKey }]
var secrets = concat(baseSecrets, registrySecrets, datadogSecrets)
var datadogEnv = empty(datadogApiKey) ? [] : [
  { name: 'DD_API_KEY', secretRef: 'dd-api-key' }
  { name: 'DD_SITE', value: datadogSite }
]
var baseEnv = [
  { name: 'EVENTHUB_CONNECTION_STRING', secretRef: 'eventhub-connection' }
  { name: 'EVENTHUB_NAME', value: hubName }
  { name: 'EVENTHUB_CONSUMER_GROUP', value: consumerGroup }
  { name: 'CHECKPOINT_STORAGE_CONNECTION_STRING', secretRef: 'storage-connection' }
  { name: 'COSMOS_ENDPOINT', value: cosmos.properties.documentEndpoint }
  { name: 'COSMOS_KEY', secretRef: 'cosmos-key' }
  { name: 'COSMOS_DATABASE', value: databaseName }
  { name: 'COSMOS_CONTAINER', value: readingsContainerName }
  { name: 'COSMOS_MODELS_CONTAINER', value: modelsContainerName }
]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'isoscope-consume'
  location: location
  properties: {
    managedEnvironmentId: environmentId
    configuration: {
      activeRevisionsMode: 'Single'
      // Internal only: a Prometheus collector inside the environment can scrape /metrics; nothing outside can.
      ingress: {
        external: false
        targetPort: 9464
        transport: 'http'
      }
      registries: registries
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'consume'
          image: image
          // The image's entrypoint is `node bin/isoscope.js`; these replace its default arguments.
          args: [
            'consume'
            '--model-from'
            'cosmos'
            '--to'
            'cosmos'
            '--checkpoint-container'
            checkpointContainer
            '--metrics-port'
            '9464'
            // The platform's probes and Prometheus reach the container's own address, not its loopback.
            '--metrics-host'
            '0.0.0.0'
          ]
          env: concat(baseEnv, datadogEnv)
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          probes: [
            {
              // /healthz is 503 while the hub or Cosmos DB cannot be reached or a partition stalls: restart after 5 minutes of it.
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: 9464
              }
              initialDelaySeconds: 10
              periodSeconds: 30
              failureThreshold: 10
            }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        // One consumer reads a partition at a time: replicas beyond the partition count would idle.
        maxReplicas: partitionCount
        rules: [
          {
            name: 'eventhub-backlog'
            custom: {
              type: 'azure-eventhub'
              metadata: {
                eventHubName: hubName
                consumerGroup: consumerGroup
                blobContainer: checkpointContainer
                // The JavaScript SDK's checkpoint store keeps offsets in blob metadata.
                checkpointStrategy: 'blobMetadata'
                unprocessedEventThreshold: '1000'
              }
              auth: [
                { secretRef: 'eventhub-connection', triggerParameter: 'connection' }
                { secretRef: 'storage-connection', triggerParameter: 'storageConnection' }
              ]
            }
          }
        ]
      }
    }
  }
}

output name string = app.name
