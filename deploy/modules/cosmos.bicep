// Cosmos DB (serverless): the scored readings, partitioned by unit with the (unit, time)
// composite index the per-unit history needs, the published models and the dead letters; the same containers
// `isoscope cosmos-setup` creates. The CORS rule lets the workbench, served by Static Web
// Apps, reach the account from the browser.
param location string
param accountName string
param databaseName string
param readingsContainerName string
param modelsContainerName string
@description('Origins allowed by CORS, e.g. https://<name>.azurestaticapps.net')
param corsOrigins array

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    minimalTlsVersion: 'Tls12'
    cors: [
      {
        allowedOrigins: join(corsOrigins, ',')
      }
    ]
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource readings 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: readingsContainerName
  properties: {
    resource: {
      id: readingsContainerName
      partitionKey: {
        paths: [
          '/unit_number'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        includedPaths: [
          {
            path: '/*'
          }
        ]
        compositeIndexes: [
          [
            {
              path: '/unit_number'
              order: 'ascending'
            }
            {
              path: '/time_in_cycles'
              order: 'ascending'
            }
          ]
        ]
      }
    }
  }
}

resource models 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: modelsContainerName
  properties: {
    resource: {
      id: modelsContainerName
      partitionKey: {
        paths: [
          '/id'
        ]
        kind: 'Hash'
        version: 2
      }
    }
  }
}

// Readings the consumer could not key (no unit or time): `isoscope consume --to cosmos` refuses to
// start without it, under the name it takes by default (--dead-letter-container).
resource deadLetters 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: 'deadletters'
  properties: {
    resource: {
      id: 'deadletters'
      partitionKey: {
        paths: [
          '/id'
        ]
        kind: 'Hash'
        version: 2
      }
    }
  }
}

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output readingsContainerName string = readings.name
output modelsContainerName string = models.name
